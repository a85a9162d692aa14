resource "aws_sqs_queue" "jobs" {
  name              = "jobs"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_db_instance" "db" {
  engine            = "postgres"
  storage_encrypted = var.encrypt_db
}
