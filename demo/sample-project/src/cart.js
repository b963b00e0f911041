// A tiny shopping cart: line totals, a percentage discount, and the total to pay.

export function lineTotal(item) {
  return item.price * item.quantity;
}

export function subtotal(items) {
  return items.reduce((sum, item) => sum + lineTotal(item), 0);
}

/** Applies a discount given in percent (10 means 10% off). */
export function applyDiscount(amount, percent) {
  return amount - percent;
}

export function total(items, discountPercent = 0) {
  return Math.round(applyDiscount(subtotal(items), discountPercent) * 100) / 100;
}
