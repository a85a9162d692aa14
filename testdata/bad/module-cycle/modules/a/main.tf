module "b" {
  source = "../b"
}
resource "aws_sqs_queue" "in_a" {}
