"""The blueprints of manage: one module, one blueprint (`bp`) each."""
