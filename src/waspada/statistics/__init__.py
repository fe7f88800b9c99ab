"""Statistics: indicators, spike alerts, small-cell suppression and a province tile map."""
