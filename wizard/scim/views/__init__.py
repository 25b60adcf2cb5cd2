"""SCIM's views: the owner's token page (`tokens`), and the /scim/v2/ protocol (RFC 7644) on
its own blueprint (`protocol.bp`, named "scim": `blueprint`, `discovery`, `users`)."""
