locals {
  queues = {
    jobs   = { encrypted = true, key = "alias/jobs" }
    events = { encrypted = true, key = "alias/events" }
  }
  tables = {
    orders = { pitr = true }
    carts  = { pitr = false }
  }
}

resource "aws_sqs_queue" "q" {
  for_each                = local.queues
  name                    = each.key
  sqs_managed_sse_enabled = each.value.encrypted
}

resource "aws_dynamodb_table" "t" {
  for_each     = local.tables
  name         = each.key
  hash_key     = "id"
  billing_mode = "PAY_PER_REQUEST"

  point_in_time_recovery {
    enabled = each.value.pitr
  }
}

resource "aws_sns_topic" "none" {
  for_each = toset([])
  name     = each.key
}

module "off" {
  source = "./modules/topic"
  count  = 0
}

module "per_env" {
  source   = "./modules/topic"
  for_each = toset(["dev", "prod"])
  name     = "alerts-${each.key}"
  key      = "alias/alerts"
}
