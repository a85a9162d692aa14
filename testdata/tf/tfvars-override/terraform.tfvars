retention_days = 14
encrypted      = true
