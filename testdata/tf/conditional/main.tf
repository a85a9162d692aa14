variable "environment" {
  type = string
}

variable "enforce" {
  type    = bool
  default = true
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  hash_key     = "id"
  billing_mode = "PAY_PER_REQUEST"

  point_in_time_recovery {
    enabled = var.environment == "prod" ? true : false
  }

  server_side_encryption {
    enabled = var.enforce ? true : false
  }
}
