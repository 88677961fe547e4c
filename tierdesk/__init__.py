"""tierdesk: customer service built around the service levels each customer tier promises."""
