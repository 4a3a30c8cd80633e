package testserver

import "syscall"

// sysProcAttr makes the kernel kill mariadbd when the process that started
// it dies, so a crashed or killed test binary does not leave servers behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
