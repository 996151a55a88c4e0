/** Where the browser tests look for Debian's Chromium (TORCHTS_CHROMIUM overrides it). */
export const CHROMIUM = process.env.TORCHTS_CHROMIUM ?? '/usr/bin/chromium';
