// Command postctl keeps a brand's social media calendar as code.
package main

import (
	"os"

	"github.com/postctl/postctl/cmd"
)

func main() { os.Exit(cmd.Main()) }
