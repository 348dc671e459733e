package shell

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Progress reports how far a long operation is; total <= 0 means unknown.
// It may be called from any goroutine and as often as wanted: the dialog
// is updated at most every 50 ms.
type Progress func(done, total int64)

// Task describes a long operation for RunWithProgress.
type Task struct {
	Title   string // dialog title
	Message string // what is being done, in a sentence
	// Cancellable adds a Cancel button that cancels the work's context.
	// Leave it false for work that must not stop half way (a key rotation).
	Cancellable bool
	Work        func(ctx context.Context, progress Progress) error
	// Done runs on the UI goroutine after the dialog closes, with Work's
	// error (context.Canceled after Cancel). May be nil.
	Done func(err error)
}

// RunWithProgress runs t.Work off the UI goroutine behind a modal dialog
// with a progress bar (and a Cancel button when t.Cancellable). Call it on
// the UI goroutine.
func (e *Env) RunWithProgress(t Task) {
	ctx, cancel := context.WithCancel(e.ctx)
	msg := widget.NewLabel(t.Message)
	msg.Wrapping = fyne.TextWrapWord
	bar := widget.NewProgressBar()
	bar.Hide()
	spin := widget.NewProgressBarInfinite()
	count := widget.NewLabel("")
	count.Importance = widget.LowImportance
	items := []fyne.CanvasObject{msg, bar, spin, count}
	var cancelBtn *widget.Button
	if t.Cancellable {
		cancelBtn = widget.NewButton(lang.L("Cancel"), nil)
		cancelBtn.OnTapped = func() {
			cancelBtn.Disable()
			msg.SetText(lang.L("Cancelling…"))
			cancel()
		}
		items = append(items, container.NewCenter(cancelBtn))
	}
	items = append(items, MinWidth(420))
	d := dialog.NewCustomWithoutButtons(t.Title, container.NewVBox(items...), e.Window)
	d.Show()
	e.logf("task started: %s", t.Title)

	var mu sync.Mutex
	var last time.Time
	progress := func(done, total int64) {
		mu.Lock()
		now := time.Now()
		if now.Sub(last) < 50*time.Millisecond && done != total {
			mu.Unlock()
			return
		}
		last = now
		mu.Unlock()
		Do(func() {
			if total <= 0 {
				count.SetText(lang.L("{{.Done}} processed", map[string]any{"Done": done}))
				return
			}
			if spin.Visible() {
				spin.Stop()
				spin.Hide()
				bar.Show()
			}
			bar.SetValue(float64(done) / float64(total))
			count.SetText(lang.L("{{.Done}} of {{.Total}}", map[string]any{"Done": done, "Total": total}))
		})
	}
	e.Go(func(context.Context) {
		err := t.Work(ctx, progress)
		cancel()
		if e.ctx.Err() != nil {
			return
		}
		DoAndWait(func() {
			spin.Stop()
			d.Hide()
			e.logf("task finished: %s", t.Title)
			if t.Done != nil && e.ctx.Err() == nil {
				t.Done(err)
			}
		})
	})
}
