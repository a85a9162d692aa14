variable "retention_days" {
  type    = number
  default = 7
}

variable "encrypted" {
  type    = bool
  default = false
}

variable "engine" {
  default = "mysql"
}
