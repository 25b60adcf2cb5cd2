"""Real-browser tests: Chromium through Playwright, axe-core, the Nu HTML Checker."""
