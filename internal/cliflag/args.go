package cliflag

import "flag"

// ParseInterspersed parses args with fs, letting flags follow the
// positional arguments ("FILE -d shop FILE2"), and returns the positional
// arguments in order. An argument "--" ends the flags, as for fs.Parse.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
