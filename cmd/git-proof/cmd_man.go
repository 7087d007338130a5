package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// git turns `git proof --help` into `man git-proof`; this prints that page.
func manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the git-proof(1) man page (install it under a MANPATH man1 directory)",
		Hidden: true,
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(c.App.Writer, page)
			return err
		},
	}
}
