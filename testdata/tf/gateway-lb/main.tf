resource "aws_lb" "gw" {
  name               = "gw"
  load_balancer_type = "gateway"
  subnets            = ["subnet-0a1b2c3d"]
}

resource "aws_lb_target_group" "appliances" {
  name     = "appliances"
  port     = 6081
  protocol = "GENEVE"
  vpc_id   = "vpc-0a1b2c3d"
}

resource "aws_lb_listener" "gw" {
  load_balancer_arn = aws_lb.gw.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.appliances.arn
  }
}
