"""The blueprints of accounts: one module, one blueprint (`bp`) each."""
