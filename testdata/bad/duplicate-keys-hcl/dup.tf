resource "aws_sqs_queue" "q" {
  name = "a"
  name = "b"
}
