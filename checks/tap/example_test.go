package tap_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/git-proof/git-proof/checks/tap"
)

func ExampleParse() {
	stream := `TAP version 13
# Subtest: math
    # Subtest: divides
    ok 1 - divides
    # Subtest: by zero
    not ok 2 - by zero
      ---
      error: 'Expected Infinity to be 0'
      ...
    1..2
not ok 1 - math
ok 2 - later # SKIP no network
1..2
`
	cases, err := tap.Parse(strings.NewReader(stream))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cases {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s %s %s", c.Status, c.ID, c.Message)))
	}
	// Output:
	// skip later no network
	// fail math
	// fail math › by zero Expected Infinity to be 0
	// pass math › divides
}

func ExampleParse_bailOut() {
	cases, err := tap.Parse(strings.NewReader("1..3\nok 1 - connects\nBail out! database down\n"))
	fmt.Println(len(cases), errors.Is(err, tap.ErrBailOut))
	fmt.Println(err)
	// Output:
	// 1 true
	// TAP: line 3: bail out: the TAP stream is incomplete: "database down"
}
