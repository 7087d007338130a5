// Package config reads a project's committed .proof/config.yaml: which files
// are tests (for the repro tree) and which checks to run. Validation errors
// name the file, the line and the fix.
package config
