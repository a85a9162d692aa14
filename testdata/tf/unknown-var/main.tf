resource "aws_sqs_queue" "jobs" {
  name              = "jobs"
  kms_master_key_id = var.kms_key_arn
}
