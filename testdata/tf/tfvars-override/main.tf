resource "aws_db_instance" "main" {
  engine                  = var.engine
  storage_encrypted       = var.encrypted
  backup_retention_period = var.retention_days
}
