//go:build !linux

package main

func restoreLocale() {}
