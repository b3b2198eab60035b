"""The exchange's pure rules, without database access: X-Road identifiers (``identifiers``) and how the gateway
refuses a call (``errors.Refusal``)."""
