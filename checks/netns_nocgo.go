//go:build !(linux && cgo)

package checks

// netnsHelperInC: without cgo (or off Linux) the helper is NetnsExec,
// called from main.
const netnsHelperInC = false
