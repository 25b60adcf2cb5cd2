"""Thin views: bind a form, validate, call one service, redirect."""
