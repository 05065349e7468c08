// Names made on the device: this device's id (kept for good in localStorage, so the server
// can tell my other devices from this one), an annotation's permanent id, and the
// idempotency key of each change. Random from crypto.getRandomValues, which a tablet on the
// room's plain-HTTP network has too (crypto.randomUUID needs a secure context).

const DEVICE_KEY = 'phonghop.device.id';

export function randomId(bytes = 12) {
  const a = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...a)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let device = null;

export function deviceId() {
  if (device) return device;
  try {
    device = localStorage.getItem(DEVICE_KEY);
    if (!device) {
      device = `d-${randomId(9)}`;
      localStorage.setItem(DEVICE_KEY, device);
    }
  } catch {
    device = `d-${randomId(9)}`; // private mode: this page's life only
  }
  return device;
}
