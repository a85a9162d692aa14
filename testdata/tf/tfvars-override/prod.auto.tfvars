retention_days = 35
