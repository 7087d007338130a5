// Package environ reads variables from an environment given as a list of
// "KEY=value" strings (os.Environ's form, exec.Cmd.Env's), the way a
// process started with it would see them.
package environ
