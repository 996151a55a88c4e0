/** The drawing pad: white ink on black like MNIST, mouse/pen/touch input, and the 28x28 preview. */
import { SIDE, toMnist } from './preprocess.js';

export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: [number, number] | null = null;
  private dirty = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly preview: HTMLCanvasElement,
    /** Called when a stroke ends (or the pad is cleared / filled): the new 28x28 input or null. */
    private readonly onInput: (pixels: Float32Array | null) => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.pos(e);
      this.line(this.last, this.last);
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.pos(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.emit();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    // keyboard: Delete / Backspace / Escape clear the pad (drawing itself needs a pointer; the
    // "Random test digit" button gives keyboard users an input)
    canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
        this.clear();
        this.emit();
        e.preventDefault();
      }
    });
  }

  private pos(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * this.canvas.width) / r.width,
      ((e.clientY - r.top) * this.canvas.height) / r.height,
    ];
  }

  private line(a: [number, number], b: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12.5; // MNIST strokes are ~2-3 px of a 20 px digit
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(...a);
    c.lineTo(...b);
    c.stroke();
    this.dirty = true;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.dirty = false;
    this.showPreview(null);
  }

  get isEmpty(): boolean {
    return !this.dirty;
  }

  /** Shows a 28x28 image (a test digit) on the pad, scaled up. */
  fill(pixels: Float32Array): void {
    const img = new ImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = Math.round(pixels[i] * 255);
      img.data.set([v, v, v, 255], i * 4);
    }
    const tmp = new OffscreenCanvas(SIDE, SIDE);
    tmp.getContext('2d')!.putImageData(img, 0, 0);
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(tmp, 0, 0, this.canvas.width, this.canvas.height);
    this.dirty = true;
    this.emit();
  }

  /** The current drawing as MNIST input (null when empty). */
  pixels(): Float32Array | null {
    if (!this.dirty) return null;
    const { width: w, height: h } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, w, h).data;
    const ink = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) ink[i] = rgba[i * 4] / 255;
    return toMnist(ink, w, h);
  }

  private emit(): void {
    const p = this.pixels();
    this.showPreview(p);
    this.onInput(p);
  }

  private showPreview(p: Float32Array | null): void {
    const c = this.preview.getContext('2d')!;
    const img = new ImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = p ? Math.round(p[i] * 255) : 0;
      img.data.set([v, v, v, 255], i * 4);
    }
    c.putImageData(img, 0, 0);
  }
}
