# A small web application: an S3 bucket for uploads, an EC2 web server behind a security group,
# a PostgreSQL database, a queue and a function that processes uploads.

resource "aws_s3_bucket" "uploads" {
  bucket = "${var.project}-uploads"
  tags = {
    classification = "confidential"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "${var.project}-logs"
}

resource "aws_kms_key" "data" {
  description         = "Key for application data"
  enable_key_rotation = true
}

resource "aws_instance" "web" {
  ami                    = var.ami_id
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.web.id]
  iam_instance_profile   = "web-server"

  metadata_options {
    http_tokens = "optional"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_db_instance" "main" {
  identifier              = "${var.project}-db"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  username                = "app"
  manage_master_user_password = true
  storage_encrypted       = var.encrypt_database
  backup_retention_period = 1
  publicly_accessible     = false
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.project}-jobs"
}

resource "aws_dynamodb_table" "sessions" {
  name         = "${var.project}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/${var.project}"
}
