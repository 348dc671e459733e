package auditchain

import (
	"strings"
	"testing"
)

// The expected hashes were computed independently (Python hashlib, the
// encoding of docs/audit-log.md), so a change of the encoding — which
// would orphan every existing workspace's chain — fails here.
func TestHashMatchesDocumentedEncoding(t *testing.T) {
	f := Fields{Seq: 7, At: "2026-11-25T12:00:00.000000000Z", Staff: "Айгүл", Role: "compliance", Action: "user.block",
		Object: "user:LC-0000001", Reason: "жалоба " + strings.Repeat("x", 200), Details: `{"a":1}`}
	for _, tc := range []struct{ prev, want string }{
		{Genesis, "92451d11dbff8e1c42a7a557b65d6a621c4affdee45008a760495c52bbfd65b3"},
		{strings.Repeat("ab", 32), "9f13a597e642b5c256a7f994f5f1eb3c727e16942ad3350ef2f0104fb71e692b"},
	} {
		got, err := Hash(tc.prev, f)
		if err != nil || got != tc.want {
			t.Errorf("Hash(%s…) = %s, %v; want %s", tc.prev[:8], got, err, tc.want)
		}
	}
}

func TestLinkRejectsBadPrevious(t *testing.T) {
	for _, prev := range []string{"", "00", strings.Repeat("zz", 32), strings.Repeat("0", 66)} {
		if _, err := Link(prev, nil); err == nil {
			t.Errorf("Link(%q) accepted", prev)
		}
	}
}
