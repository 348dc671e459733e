package store

import (
	"context"
	"fmt"
)

// EngineVersions asks the linked SQLite engine itself for its SQLCipher
// and SQLite versions (an in-memory database; no workspace needed).
func EngineVersions(ctx context.Context) (sqlcipher, sqlite string, err error) {
	db, err := openDBWith(":memory:", nil, 1024)
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&sqlite); err != nil {
		return "", "", fmt.Errorf("engine version: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA cipher_version").Scan(&sqlcipher); err != nil {
		return "", sqlite, fmt.Errorf("SQLCipher version: %w", err)
	}
	return sqlcipher, sqlite, nil
}
