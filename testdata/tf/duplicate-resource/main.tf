resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic" "alerts" {
  name = "alerts-again"
}
