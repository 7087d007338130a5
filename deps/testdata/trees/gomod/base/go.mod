module example.com/app

go 1.22

require (
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.9.0
	github.com/google/uuid v1.6.0
	golang.org/x/sync v0.6.0
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace golang.org/x/sync => golang.org/x/sync v0.5.0

exclude github.com/google/uuid v1.5.0
