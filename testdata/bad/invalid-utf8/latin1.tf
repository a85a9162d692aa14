# Latin-1 comment
resource "aws_sqs_queue" "q" {
  name = "café"
}
