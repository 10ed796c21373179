export declare const SAMPLE_WORKSPACE: string;
export declare function copySampleWorkspace(): { readonly folder: string; readonly remove: () => void };
