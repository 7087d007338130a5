module example.com/app/tools

go 1.22

require github.com/google/uuid v1.5.1
