module github.com/skyvern-go/skyvern/browser

go 1.24

replace github.com/skyvern-go/skyvern => ../
