module example.com/app

go 1.22

require (
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.10.0
	github.com/google/uuid v1.6.0
	github.com/pkg/errors v0.9.1
	golang.org/x/sync v0.6.0
	gopkg.in/yaml.v3 v3.0.1
)

replace golang.org/x/sync v0.6.0 => ../sync

exclude github.com/google/uuid v1.5.0
