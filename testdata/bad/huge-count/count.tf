resource "aws_sqs_queue" "many" {
  count = 100000000
  name  = "q-${count.index}"
}

resource "aws_sqs_queue" "range" {
  for_each = toset([for i in range(100000000) : tostring(i)])
  name     = each.key
}
