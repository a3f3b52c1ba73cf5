"""The app's engine (encrypted store, outbox, sync): no widgets. Built in a later issue."""
