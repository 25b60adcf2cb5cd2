"""SCIM's pages for people (the owner's token page); the /scim/v2/ protocol is the api's."""
