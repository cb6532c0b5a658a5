// Types for scripts/spec-corpus.mjs, used by the e2e tests.
export declare const MANIFEST: string;
export declare const CORPUS: string;
export declare function buildSpecRepo(dir: string, manifest?: string): Record<string, string>;
export declare function fillShas(text: string, shas: Record<string, string>): string;
export interface CorpusResult {
  specs: Array<{
    spec: string;
    expected: number;
    found: number;
    truePositives: number;
    falsePositives: string[];
    missed: string[];
  }>;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}
export declare function runCorpus(options?: { verbose?: boolean }): CorpusResult;
