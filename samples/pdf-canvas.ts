/**
 * A tiny drawing surface over the two PDF producers the samples use (pdfkit and pdf-lib), so
 * the layouts read as positions on a page. Coordinates are points from the top-left corner of
 * an A4 page; `y` is the top of the text. Both producers embed the standard Helvetica fonts
 * (WinAnsi: £ and – print as text), so every PDF has a real text layer. Metadata dates are
 * fixed so that re-rendering gives the same bytes.
 */
import PDFKitDocument from "pdfkit";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";

export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;

export interface TextOptions {
  size?: number;
  bold?: boolean;
  /** "right": `x` is the right edge of the text; "center": `x` is its middle. */
  align?: "left" | "right" | "center";
  grey?: boolean;
}

export interface Canvas {
  readonly producer: "pdfkit" | "pdf-lib";
  text(value: string, x: number, y: number, options?: TextOptions): void;
  /** Width in points of `value` in Helvetica (bold) at `size`. */
  measure(value: string, size: number, bold?: boolean): number;
  line(x1: number, y1: number, x2: number, y2: number, width?: number): void;
  fillRect(x: number, y: number, width: number, height: number, shade: number): void;
  newPage(): void;
  finish(): Promise<Buffer>;
}

export interface PdfMeta {
  title: string;
  author: string;
  /** Fixed creation and modification date. */
  date: Date;
}

class PdfkitCanvas implements Canvas {
  readonly producer = "pdfkit" as const;
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<void>;

  constructor(meta: PdfMeta) {
    this.doc = new PDFKitDocument({
      size: "A4",
      margin: 0,
      info: { Title: meta.title, Author: meta.author, Creator: "Kestrel Vale sample invoices (pdfkit)", CreationDate: meta.date, ModDate: meta.date },
    });
    this.doc.on("data", (chunk: Buffer) => this.chunks.push(chunk));
    this.done = new Promise((resolve) => this.doc.on("end", () => resolve()));
  }

  text(value: string, x: number, y: number, options: TextOptions = {}): void {
    const size = options.size ?? 9;
    this.doc.font(options.bold ? "Helvetica-Bold" : "Helvetica").fontSize(size).fillColor(options.grey ? "#555555" : "#000000");
    const width = this.doc.widthOfString(value);
    const left = options.align === "right" ? x - width : options.align === "center" ? x - width / 2 : x;
    this.doc.text(value, left, y, { lineBreak: false });
  }

  measure(value: string, size: number, bold = false): number {
    return this.doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size).widthOfString(value);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5): void {
    this.doc.save().lineWidth(width).strokeColor("#000000").moveTo(x1, y1).lineTo(x2, y2).stroke().restore();
  }

  fillRect(x: number, y: number, width: number, height: number, shade: number): void {
    const level = Math.round(shade * 255).toString(16).padStart(2, "0");
    this.doc.save().rect(x, y, width, height).fill(`#${level}${level}${level}`).restore();
  }

  newPage(): void {
    this.doc.addPage({ size: "A4", margin: 0 });
  }

  async finish(): Promise<Buffer> {
    this.doc.end();
    await this.done;
    return Buffer.concat(this.chunks);
  }
}

class PdfLibCanvas implements Canvas {
  readonly producer = "pdf-lib" as const;
  private page: PDFPage | null = null;

  private constructor(private readonly doc: PDFDocument, private readonly regular: PDFFont, private readonly bold: PDFFont) {
    this.newPage();
  }

  static async create(meta: PdfMeta): Promise<PdfLibCanvas> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(meta.title);
    doc.setAuthor(meta.author);
    doc.setCreator("Kestrel Vale sample invoices (pdf-lib)");
    doc.setProducer("pdf-lib (https://github.com/Hopding/pdf-lib)");
    doc.setCreationDate(meta.date);
    doc.setModificationDate(meta.date);
    const regular = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    return new PdfLibCanvas(doc, regular, bold);
  }

  private current(): PDFPage {
    if (!this.page) throw new Error("no page");
    return this.page;
  }

  text(value: string, x: number, y: number, options: TextOptions = {}): void {
    const size = options.size ?? 9;
    const font = options.bold ? this.bold : this.regular;
    const width = font.widthOfTextAtSize(value, size);
    const left = options.align === "right" ? x - width : options.align === "center" ? x - width / 2 : x;
    // pdf-lib draws from the baseline, bottom-up; the ascent of Helvetica is about 0.72 em.
    this.current().drawText(value, { x: left, y: PAGE_HEIGHT - y - size * 0.72, size, font, color: options.grey ? rgb(0.33, 0.33, 0.33) : rgb(0, 0, 0) });
  }

  measure(value: string, size: number, bold = false): number {
    return (bold ? this.bold : this.regular).widthOfTextAtSize(value, size);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5): void {
    this.current().drawLine({ start: { x: x1, y: PAGE_HEIGHT - y1 }, end: { x: x2, y: PAGE_HEIGHT - y2 }, thickness: width, color: rgb(0, 0, 0) });
  }

  fillRect(x: number, y: number, width: number, height: number, shade: number): void {
    this.current().drawRectangle({ x, y: PAGE_HEIGHT - y - height, width, height, color: rgb(shade, shade, shade) });
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  }

  async finish(): Promise<Buffer> {
    return Buffer.from(await this.doc.save({ useObjectStreams: false }));
  }
}

export async function openCanvas(producer: "pdfkit" | "pdf-lib", meta: PdfMeta): Promise<Canvas> {
  return producer === "pdfkit" ? new PdfkitCanvas(meta) : PdfLibCanvas.create(meta);
}
