variable "project" {
  type    = string
  default = "acme"
}

variable "ami_id" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "encrypt_database" {
  type    = bool
  default = false
}
