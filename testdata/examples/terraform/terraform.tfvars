project = "acme-shop"
