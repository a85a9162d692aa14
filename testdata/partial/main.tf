data "aws_caller_identity" "current" {}

# The account id is known only at deployment, but no ARN built on it is "*".
resource "aws_sqs_queue_policy" "own_account" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sqs:SendMessage"
      Resource  = "*"
    }]
  })
}

# A principal wholly unknown is still unverified.
variable "principal" {
  type = string
}

resource "aws_sqs_queue_policy" "given" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.principal }
      Action    = "sqs:SendMessage"
      Resource  = "*"
    }]
  })
}
