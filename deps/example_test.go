package deps_test

import (
	"fmt"

	"github.com/git-proof/git-proof/deps"
)

// The front door: parse the manifests of the base and head trees, diff.
func Example() {
	base, _ := deps.Parse(map[string][]byte{
		"go.mod":           []byte("module example.com/app\n\nrequire github.com/google/uuid v1.5.0\n"),
		"requirements.txt": []byte("requests==2.31.0\n"),
	})
	head, _ := deps.Parse(map[string][]byte{
		"go.mod":           []byte("module example.com/app\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tgithub.com/pkg/errors v0.9.1\n)\n"),
		"requirements.txt": []byte("requests==2.31.0\nurllib3>=2\n"),
	})
	delta := deps.Diff(base, head)
	for _, c := range delta.Added {
		fmt.Println("added", c.New.Manifest, c.New.PURL, c.New.Version)
	}
	for _, c := range delta.Changed {
		fmt.Println("changed", c.Old.PURL, "->", c.New.Version)
	}
	// Output:
	// added go.mod pkg:golang/github.com/pkg/errors@v0.9.1 v0.9.1
	// added requirements.txt pkg:pypi/urllib3 >=2
	// changed pkg:golang/github.com/google/uuid@v1.5.0 -> v1.6.0
}

func ExampleIsManifest() {
	for _, p := range []string{"web/package-lock.json", "requirements/dev.txt", "node_modules/x/package.json", "go.sum"} {
		fmt.Println(p, deps.IsManifest(p))
	}
	// Output:
	// web/package-lock.json true
	// requirements/dev.txt true
	// node_modules/x/package.json false
	// go.sum false
}
