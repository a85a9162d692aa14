locals {
  ports = [22, 443]
}

variable "extra_rules" {
  type = list(object({ port = number, cidr = string }))
}

resource "aws_security_group" "known" {
  name = "known"

  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "unknown" {
  name = "unknown"

  dynamic "ingress" {
    for_each = var.extra_rules
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = [rule.value.cidr]
    }
  }
}
