variable "create_replica" {
  type    = bool
  default = false
}

resource "aws_db_instance" "primary" {
  engine            = "postgres"
  storage_encrypted = true
}

resource "aws_db_instance" "replica" {
  count               = var.create_replica ? 1 : 0
  replicate_source_db = aws_db_instance.primary.identifier
}

resource "aws_sns_topic" "never" {
  count = 0
  name  = "never"
}

resource "aws_sns_topic" "maybe" {
  count = var.topic_count
  name  = "maybe"
}

variable "topic_count" {
  type = number
}
