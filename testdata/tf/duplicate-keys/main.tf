# Terraform accepts a repeated key in an object constructor; the last value wins.
locals {
  settings = {
    sse  = false
    name = "jobs"
    sse  = true
  }
}

resource "aws_sqs_queue" "jobs" {
  name                    = local.settings.name
  sqs_managed_sse_enabled = local.settings.sse
}
